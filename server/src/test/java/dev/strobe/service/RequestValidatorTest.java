package dev.strobe.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strobe.errors.StrobeException;
import dev.strobe.scheduler.PreviewSpec;
import org.junit.jupiter.api.Test;

/** Unsigned protobuf fields read as unsigned. */
class RequestValidatorTest {
    private final RequestValidator validator = new RequestValidator(Limits.defaults());

    private static GenerateCommand everyN(int n) {
        return new GenerateCommand(
                "p",
                "",
                0,
                0,
                0,
                null,
                0,
                GenerateCommand.PreviewChoice.JPEG,
                0,
                n,
                GenerateCommand.OutputChoice.PNG,
                "");
    }

    @Test
    void everyNStepsOfTwoToThe32MinusOneMeansOnlyTheLastStep() {
        PreviewSpec p = validator.preview(everyN(-1)); // uint32 4294967295 on the wire
        assertFalse(p.dueAfter(1, 8));
        assertFalse(p.dueAfter(7, 8));
        assertTrue(p.dueAfter(8, 8));
    }

    @Test
    void everyNStepsZeroMeansEveryStep() {
        PreviewSpec p = validator.preview(everyN(0));
        assertTrue(p.dueAfter(1, 4) && p.dueAfter(2, 4) && p.dueAfter(3, 4));
        assertEquals(3, validator.preview(everyN(3)).everyN());
    }

    @Test
    void aHugeUnsignedImageCountIsRefusedWithItsUnsignedValue() {
        GenerateCommand c = new GenerateCommand(
                "p",
                "",
                0,
                0,
                0,
                null,
                -1,
                GenerateCommand.PreviewChoice.DEFAULT,
                0,
                0,
                GenerateCommand.OutputChoice.DEFAULT,
                "");
        StrobeException e = assertThrows(StrobeException.class, () -> validator.numImages(c));
        assertTrue(e.getMessage().contains("got 4294967295"), e.getMessage());
    }
}
