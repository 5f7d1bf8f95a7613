package io.gatehouse.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The gateway's configuration is invalid. The message names every problem with its file and
 * field path; at start-up it stops the gateway, on reload the table in force stays.
 */
public class DefinitionException extends RuntimeException {

    private final List<DefinitionProblem> problems;

    /**
     * @param problems what is wrong, at least one
     */
    public DefinitionException(List<DefinitionProblem> problems) {
        super("Invalid gateway configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n"
            + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /**
     * @return every problem found
     */
    public List<DefinitionProblem> problems() {
        return problems;
    }
}
