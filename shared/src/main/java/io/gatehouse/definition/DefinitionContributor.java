package io.gatehouse.definition;

import java.util.List;

/**
 * A source of gateway definition beyond the file and the application configuration, such as the
 * admin API's store. Its sources are validated together with the others on every load.
 */
public interface DefinitionContributor {

    /**
     * @return the sources this contributor holds now
     */
    List<GatewayDefinition.Source> sources();
}
