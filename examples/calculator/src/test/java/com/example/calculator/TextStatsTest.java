package com.example.calculator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextStatsTest {

    @Test
    void testCountWords() {
        assertEquals(3, TextStats.countWords("  one two\tthree "));
        assertEquals(0, TextStats.countWords(""));
    }

    @Test
    void testIsPalindrome() {
        assertTrue(TextStats.isPalindrome("A man, a plan, a canal: Panama"));
    }
}
