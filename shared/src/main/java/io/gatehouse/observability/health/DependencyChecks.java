package io.gatehouse.observability.health;

import java.util.List;

/**
 * A source of checks that change at run time, such as one per configured upstream.
 */
public interface DependencyChecks {

    /**
     * @return the checks to run now
     */
    List<DependencyCheck> checks();
}
