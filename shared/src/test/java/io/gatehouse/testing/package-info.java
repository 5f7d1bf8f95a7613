/**
 * Test infrastructure shared by every module through the test-jar: real upstream servers on
 * loopback and the real PostgreSQL, Redis and Kafka the suites need.
 */
package io.gatehouse.testing;
