package dev.strobe.service;

import java.security.SecureRandom;

/** Seeds for requests that send none. Thread-safe. */
@FunctionalInterface
public interface SeedSource {
    long next();

    /** Random 64-bit seeds. */
    static SeedSource random() {
        SecureRandom r = new SecureRandom();
        return r::nextLong;
    }
}
