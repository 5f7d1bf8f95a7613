/**
 * How this instance runs: single node with embedded stores, or distributed over PostgreSQL, Redis
 * and Kafka; and the instance's own resources (open files, connections), whose exhaustion is the
 * gateway's failure, never an upstream's.
 */
package io.gatehouse.runtime;
