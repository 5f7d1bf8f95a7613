package io.gatehouse.config;

/**
 * One thing wrong with the gateway's configuration.
 *
 * @param source  the file (or {@code application configuration}) it is in
 * @param path    the field path, such as {@code routes[2].upstream}
 * @param message what is wrong
 */
public record DefinitionProblem(String source, String path, String message) {

    @Override
    public String toString() {
        return source + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
