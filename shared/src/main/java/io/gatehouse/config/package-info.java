/**
 * Gateway-wide configuration under {@code gateway.*}.
 */
package io.gatehouse.config;
