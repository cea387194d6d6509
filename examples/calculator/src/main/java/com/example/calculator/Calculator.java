package com.example.calculator;

/** A small calculator with a memory register. */
public class Calculator {

    private double memory;

    public Calculator() {
        this(0.0);
    }

    public Calculator(double memory) {
        this.memory = memory;
    }

    public int add(int a, int b) {
        return Math.addExact(a, b);
    }

    public int subtract(int a, int b) {
        return Math.subtractExact(a, b);
    }

    public double divide(double dividend, double divisor) {
        if (divisor == 0.0) {
            throw new ArithmeticException("division by zero");
        }
        return dividend / divisor;
    }

    public long factorial(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        long result = 1;
        for (int i = 2; i <= n; i++) {
            result = Math.multiplyExact(result, i);
        }
        return result;
    }

    public double store(double value) {
        double previous = memory;
        memory = value;
        return previous;
    }

    public double recall() {
        return memory;
    }
}
