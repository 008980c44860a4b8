package io.rawloop.client;

/**
 * The client's figures, from {@link HttpClient#stats()}.
 *
 * @param openConnections   connections open now (idle or busy), over every host
 * @param idleConnections   of those, idle in a pool
 * @param waitingRequests   requests waiting for a connection (the per-host cap was reached)
 * @param connectionsOpened connections opened since the client was created: with keep-alive, far fewer than requests
 * @param requests          requests sent or queued (a retry and each redirect hop count once more)
 * @param failures          calls that ended in an {@link HttpClientException}
 * @param retries           requests sent again after a kept-alive connection turned out closed
 * @param bytesSent         request bytes written
 * @param bytesReceived     response bytes read
 */
public record ClientStats(int openConnections, int idleConnections, int waitingRequests, long connectionsOpened,
                          long requests, long failures, long retries, long bytesSent, long bytesReceived) {
}
