/**
 * rawloop's server module. See DESIGN.md: it is built issue by issue, and this package is still
 * nearly empty.
 */
package io.rawloop.server;
