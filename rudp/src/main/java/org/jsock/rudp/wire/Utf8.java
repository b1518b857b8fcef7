package org.jsock.rudp.wire;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 for CLOSE reasons: nothing is silently replaced, in either direction. */
final class Utf8 {
    private Utf8() {}

    /** The UTF-8 length of {@code s}, or -1 if it holds a lone surrogate (which UTF-8 cannot carry). */
    static int length(String s) {
        int bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) bytes += 1;
            else if (c < 0x800) bytes += 2;
            else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) return -1;
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) return -1;
            else bytes += 3;
        }
        return bytes;
    }

    /** Decodes {@code length} bytes at {@code index}, or returns null if they are not valid UTF-8. */
    static String decode(ByteBuffer src, int index, int length) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(src.slice(index, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
