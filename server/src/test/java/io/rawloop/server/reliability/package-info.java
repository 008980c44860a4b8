/**
 * The server under hostile and heavy load: one class per threat, each test an answer.
 *
 * <table>
 *   <caption>Threats and answers</caption>
 *   <tr><th>threat</th><th>answer</th><th>class</th></tr>
 *   <tr><td>slowloris: headers a byte a second</td><td>408 and close at the header deadline;
 *       others keep being served; memory per slow connection bounded</td><td>{@link io.rawloop.server.reliability.SlowlorisTest}</td></tr>
 *   <tr><td>slow body, slow reader</td><td>408 at the body gap; a client that stops reading is dropped at the
 *       write stall, holding at most the watermark meanwhile</td><td>{@link io.rawloop.server.reliability.SlowPeersTest}</td></tr>
 *   <tr><td>a flood of connections</td><td>the connection cap holds; every accepted connection is
 *       answered; the server recovers</td><td>{@link io.rawloop.server.reliability.FloodTest}</td></tr>
 *   <tr><td>out of file descriptors</td><td>accept backs off (no spin), held connections are served,
 *       newcomers once descriptors free</td><td>{@link io.rawloop.server.reliability.DescriptorExhaustionTest}</td></tr>
 *   <tr><td>abrupt clients</td><td>resets, half-closes and trailing garbage leak nothing</td><td>{@link io.rawloop.server.reliability.AbruptClientsTest}</td></tr>
 *   <tr><td>SIGTERM under load</td><td>in-flight requests complete, no response is cut, exit 0 in time</td><td>{@link io.rawloop.server.reliability.ShutdownUnderLoadTest}</td></tr>
 *   <tr><td>time</td><td>a soak at steady load: no errors, flat heap, files and threads</td><td>{@link io.rawloop.server.reliability.SoakTest}</td></tr>
 *   <tr><td>every limit</td><td>at exactly the boundary: the limit passes, one more is refused</td><td>{@link io.rawloop.server.reliability.LimitBoundariesTest}</td></tr>
 * </table>
 *
 * <p>Time-driven answers run on a {@code ManualClock}. The longer runs whose figures go in the
 * notes run with {@code -Drawloop.long=true} (slowloris latency, a ten-minute soak).
 */
package io.rawloop.server.reliability;
