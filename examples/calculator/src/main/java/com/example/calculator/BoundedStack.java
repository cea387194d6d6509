package com.example.calculator;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** A stack with a fixed capacity. */
public class BoundedStack<T> {

    private final int capacity;
    private final List<T> items = new ArrayList<>();

    public BoundedStack(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
    }

    public boolean push(T item) {
        if (items.size() == capacity) {
            return false;
        }
        items.add(item);
        return true;
    }

    public T pop() {
        if (items.isEmpty()) {
            throw new NoSuchElementException("stack is empty");
        }
        return items.remove(items.size() - 1);
    }

    public T peek() {
        return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    public int size() {
        return items.size();
    }
}
