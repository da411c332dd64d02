package dev.strobe.engine.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BuildProfileTest {
    @Test
    void rangesParseAsMinOptMaxOrOneNumber() {
        assertEquals(new DimRange(1, 4, 8), DimRange.parse("1:4:8", "batch"));
        assertEquals(new DimRange(512, 512, 512), DimRange.parse(" 512 ", "size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DimRange.parse("8:4:1", "batch"))
                .getMessage()
                .contains("min <= opt <= max"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DimRange.parse("1:8", "batch"))
                .getMessage()
                .contains("min:opt:max"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DimRange.parse("0", "batch"))
                .getMessage()
                .startsWith("batch '0'"));
    }

    @Test
    void profileSpecs() {
        BuildProfile p = BuildProfile.parse("batch=1:4:8,size=512:1024:1536");
        assertEquals(new DimRange(512, 1024, 1536), p.height());
        assertEquals(p.height(), p.width());
        BuildProfile q = BuildProfile.parse("batch=2, height=768, width=1024:1152:1344");
        assertEquals(new DimRange(768, 768, 768), q.height());
        assertEquals(new DimRange(1024, 1152, 1344), q.width());
    }

    @Test
    void badProfileSpecsSaySomethingUseful() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildProfile.parse("batch=1,size=512,height=512"))
                .getMessage()
                .contains("not both"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildProfile.parse("size=512"))
                .getMessage()
                .contains("batch range is missing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildProfile.parse("batch=1,res=512"))
                .getMessage()
                .contains("unknown key 'res'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BuildProfile.parse("batch=1,height=512"))
                .getMessage()
                .contains("give height and width together"));
    }
}
