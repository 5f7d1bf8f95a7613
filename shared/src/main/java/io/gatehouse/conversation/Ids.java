package io.gatehouse.conversation;

import java.security.SecureRandom;

/**
 * Session, event and feedback ids: a prefix and 26 characters of Crockford base32 holding 48 bits
 * of epoch milliseconds and 80 random bits (the ULID layout), so ids sort by creation time and never
 * collide across instances.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    /**
     * Several generators picked at random: the default one reads /dev/urandom under one global lock
     * (NativePRNG), which showed in the intake's profile; DRBG instances are seeded once and each
     * locks only itself.
     */
    private static final SecureRandom[] RANDOM = new SecureRandom[8];

    static {
        for (int i = 0; i < RANDOM.length; i++) {
            try {
                RANDOM[i] = SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                RANDOM[i] = new SecureRandom();
            }
        }
    }

    private Ids() {
    }

    static String session() {
        return "s_" + ulid();
    }

    static String event() {
        return "e_" + ulid();
    }

    /**
     * @return a new feedback id, {@code f_} and a ULID
     */
    public static String feedback() {
        return "f_" + ulid();
    }

    private static String ulid() {
        long time = System.currentTimeMillis();
        byte[] random = new byte[10];
        RANDOM[java.util.concurrent.ThreadLocalRandom.current().nextInt(RANDOM.length)].nextBytes(random);
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return new String(out);
    }

    /**
     * @param id a client-supplied session or event id
     * @return whether it has the shape of one (it may still not exist)
     */
    public static boolean plausible(String id) {
        return id != null && id.length() >= 3 && id.length() <= 64 && id.chars().allMatch(c ->
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
    }
}
