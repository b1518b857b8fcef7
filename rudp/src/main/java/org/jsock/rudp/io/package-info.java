/** The driver that runs an endpoint over a real jsock UDP socket. */
package org.jsock.rudp.io;
