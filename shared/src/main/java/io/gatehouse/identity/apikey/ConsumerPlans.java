package io.gatehouse.identity.apikey;

import java.util.List;

/**
 * Which stored consumers (those made through {@code /admin/consumers}) have a plan: the admin API
 * asks before it deletes a plan, as they live in the identity store, outside the definition its
 * validation sees.
 */
public interface ConsumerPlans {

    /**
     * @param plan a plan's name
     * @return the names of the stored consumers on it, sorted; empty when none
     */
    List<String> onPlan(String plan);
}
