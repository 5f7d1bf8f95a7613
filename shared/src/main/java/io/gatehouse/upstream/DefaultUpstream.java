package io.gatehouse.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream's live state.
 */
final class DefaultUpstream implements Upstream {

    private final UpstreamDefinition definition;
    private final List<TargetState> targets;
    private final AtomicInteger next = new AtomicInteger();

    DefaultUpstream(UpstreamDefinition definition, List<TargetState> targets) {
        this.definition = definition;
        this.targets = List.copyOf(targets);
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public UpstreamDefinition definition() {
        return definition;
    }

    @Override
    public List<TargetState> targets() {
        return targets;
    }

    @Override
    public Selection select(String hashKey, TargetState exclude) {
        long now = System.nanoTime();
        List<TargetState> available = new ArrayList<>(targets.size());
        for (TargetState t : targets) {
            if (t.available(now) && t != exclude) {
                available.add(t);
            }
        }
        if (available.isEmpty() && exclude != null && exclude.available(now)) {
            available.add(exclude);
        }
        if (available.isEmpty()) {
            throw new UpstreamUnavailableException(name(), "no_healthy_target",
                "No healthy target of upstream '" + name() + "' is available.", Duration.ofSeconds(5));
        }
        TargetState chosen = available.get(Math.floorMod(next.getAndIncrement(), available.size()));
        chosen.outstandingCounter().incrementAndGet();
        return new TrackedSelection(chosen);
    }

    @Override
    public String circuitState() {
        return "disabled";
    }

    private static final class TrackedSelection implements Selection {
        private final TargetState target;
        private boolean done;

        TrackedSelection(TargetState target) {
            this.target = target;
        }

        @Override
        public TargetState target() {
            return target;
        }

        @Override
        public void completed(int status) {
            finish();
        }

        @Override
        public void failed(FailureKind kind) {
            finish();
        }

        @Override
        public void released() {
            finish();
        }

        private synchronized void finish() {
            if (!done) {
                done = true;
                target.outstandingCounter().decrementAndGet();
            }
        }
    }
}
