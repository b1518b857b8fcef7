/** RFC 9002 loss detection for one packet number space: RTT estimation, sent-packet tracking, loss and probe timeouts, and the receiver side that builds ACK ranges. */
package org.jsock.rudp.recovery;
