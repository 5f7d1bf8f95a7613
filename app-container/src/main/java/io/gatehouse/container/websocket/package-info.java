/**
 * The container's WebSocket endpoints: {@code /v1/session/{id}/stream}, the session events and
 * intake over one socket. The protocol is shared's ({@code io.gatehouse.conversation.SessionSocket});
 * only a long-running process can hold the connection, so Lambda has none.
 */
package io.gatehouse.container.websocket;
