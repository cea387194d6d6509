package com.example.calculator;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Counting words and letters in text. */
public final class TextStats {

    private TextStats() {
    }

    public static int countWords(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        return text.trim().split("\\s+").length;
    }

    public static boolean isPalindrome(String text) {
        String letters = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return new StringBuilder(letters).reverse().toString().equals(letters);
    }

    public static Map<Character, Integer> letterCounts(String text) {
        Map<Character, Integer> counts = new TreeMap<>();
        for (char c : text.toCharArray()) {
            if (Character.isLetter(c)) {
                counts.merge(Character.toLowerCase(c), 1, Integer::sum);
            }
        }
        return counts;
    }
}
