/** Link impairments (loss, bursts, delay, jitter, reordering, duplication, corruption, rate, blackouts), seeded and reproducible: the model behind the simulator and jsock impair. */
package org.jsock.rudp.impair;
