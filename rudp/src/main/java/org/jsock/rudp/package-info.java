/** rudp for applications: the socket API (listen, accept, connect, send, recv, shutdown, close) over a reliable UDP transport. */
package org.jsock.rudp;
