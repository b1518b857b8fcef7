/** A deterministic simulated network: a virtual clock, hosts, and impaired links. A seed replays a run exactly. */
package org.jsock.rudp.sim;
