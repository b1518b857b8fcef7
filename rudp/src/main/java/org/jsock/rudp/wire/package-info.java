/** The wire format of docs/rudp.md: packets, frames, CRC32C. */
package org.jsock.rudp.wire;
