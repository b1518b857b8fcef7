/** Congestion control, pluggable: NewReno (the default) and CUBIC, with the pacer that spaces packets out. */
package org.jsock.rudp.cc;
