/** One rudp connection and one endpoint, as state machines without I/O: datagrams and time in, datagrams out. */
package org.jsock.rudp.conn;
