import { describe, expect, it } from "vitest";
import { overlapOf } from "./benchmark-lanes.js";

describe("overlapOf", () => {
  it("counts only the time with two runs or more in flight", () => {
    // Lane A runs [0, 10] and [10, 20]; lane B runs [5, 12]: overlap [5, 12] = 7 ms.
    expect(overlapOf([0, 10, 5], [10, 20, 12])).toBe(7);
  });

  it("is zero for runs one after another, touching ends included", () => {
    expect(overlapOf([0, 1, 2], [1, 2, 3])).toBe(0);
  });
});
