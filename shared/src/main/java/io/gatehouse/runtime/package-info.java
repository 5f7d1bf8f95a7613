/**
 * How this instance runs: single node with embedded stores, or distributed over PostgreSQL, Redis
 * and Kafka.
 */
package io.gatehouse.runtime;
