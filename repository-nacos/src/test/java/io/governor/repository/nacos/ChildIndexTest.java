package io.governor.repository.nacos;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ChildIndexTest {

    @Test
    void namesRoundTripSortedAndAnEmptyIndexIsNotBlank() {
        String content = ChildIndex.format(List.of("b", "a", "A.b@c:d+e-f_g"));
        assertEquals(new TreeSet<>(List.of("a", "b", "A.b@c:d+e-f_g")), ChildIndex.parse(content));
        assertFalse(ChildIndex.format(List.of()).isBlank());
        assertEquals(new TreeSet<String>(), ChildIndex.parse(ChildIndex.format(List.of())));
        assertEquals(new TreeSet<String>(), ChildIndex.parse(null));
    }

    @Test
    void linesThatAreNoLegalNameAreIgnored() {
        assertEquals(new TreeSet<>(List.of("ok")), ChildIndex.parse("# header\nok\n..\nnot ok\n\n"));
    }
}
