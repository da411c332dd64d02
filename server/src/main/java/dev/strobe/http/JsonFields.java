package dev.strobe.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.strobe.errors.StrobeException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Typed, strict reads of fields of a JSON request body: a field of the wrong type is a 400 naming
 * the field, what it got and what it takes; a missing or null field is "absent". Numbers must be
 * integral where an integer is expected ({@code 2} and {@code 2.0} are 2, {@code 2.5} is refused)
 * and are range-checked before they are converted, so {@code 1e999999999} costs nothing.
 * Stateless.
 */
final class JsonFields {
    private static final BigDecimal UINT64_MAX =
            new BigDecimal(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));

    private final JsonObject body;

    JsonFields(JsonObject body) {
        this.body = body;
    }

    boolean has(String name) {
        JsonElement e = body.get(name);
        return e != null && !e.isJsonNull();
    }

    /** The string value, or {@code fallback} when absent. */
    String string(String name, String fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonElement e = body.get(name);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw wrongType(name, "a string", e);
    }

    boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonElement e = body.get(name);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw wrongType(name, "true or false", e);
    }

    /** An integer in [min, max], or {@code fallback} when absent. */
    int integer(String name, int fallback, int min, int max) {
        if (!has(name)) {
            return fallback;
        }
        BigDecimal v = integral(name, min + " to " + max);
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw StrobeException.invalid(
                    name, name + " must be an integer from " + min + " to " + max + ", got " + shown(body.get(name)));
        }
        return v.intValueExact();
    }

    /**
     * An unsigned 64-bit integer (a JSON number, or a decimal string, since JavaScript loses
     * integers above 2^53) as its two's-complement long; null when absent.
     */
    Long uint64(String name) {
        if (!has(name)) {
            return null;
        }
        JsonElement e = body.get(name);
        BigDecimal v;
        if (e.isJsonPrimitive()
                && e.getAsJsonPrimitive().isString()
                && e.getAsString().matches("[0-9]{1,20}")) {
            v = new BigDecimal(e.getAsString());
        } else {
            v = integral(name, "0 to 18446744073709551615 (a number or a decimal string)");
        }
        if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
            throw StrobeException.invalid(
                    name, name + " must be an integer from 0 to 18446744073709551615, got " + shown(e));
        }
        return v.toBigIntegerExact().longValue();
    }

    private BigDecimal integral(String name, String range) {
        JsonElement e = body.get(name);
        if (!(e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber())) {
            throw wrongType(name, "an integer (" + range + ")", e);
        }
        BigDecimal v;
        try {
            v = e.getAsJsonPrimitive().getAsBigDecimal();
        } catch (NumberFormatException tooLarge) {
            // Gson refuses exponents beyond its limits: far outside any range strobe takes.
            throw StrobeException.invalid(name, name + " must be an integer from " + range + ", got " + shown(e));
        }
        if (v.signum() != 0 && v.stripTrailingZeros().scale() > 0) {
            throw StrobeException.invalid(name, name + " must be a whole number, got " + shown(e));
        }
        return v;
    }

    private static StrobeException wrongType(String name, String expected, JsonElement got) {
        return StrobeException.invalid(name, name + " must be " + expected + ", got " + describe(got));
    }

    private static String describe(JsonElement e) {
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsString();
        }
        if (p.isNumber()) {
            return "the number " + shown(e);
        }
        return "the string " + shown(e);
    }

    /** The value as written, cut to 40 characters (a sentence, not an echo of the body). */
    static String shown(JsonElement e) {
        String s =
                e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? "\"" + e.getAsString() + "\"" : e.toString();
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(40).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return s.codePointCount(0, s.length()) > 40 ? b + "..." : b.toString();
    }
}
