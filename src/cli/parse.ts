import { InvalidArgumentError } from "commander";

/** Option parsers that reject bad numbers at the command line (exit 2), not deep inside. */
export function positiveInteger(value: string): number {
  if (!/^[0-9]+$/.test(value.trim()) || Number(value) < 1) {
    throw new InvalidArgumentError("expected a whole number of 1 or more.");
  }
  return Number(value);
}

export function nonNegativeInteger(value: string): number {
  if (!/^[0-9]+$/.test(value.trim())) {
    throw new InvalidArgumentError("expected a whole number of 0 or more.");
  }
  return Number(value);
}

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError("expected a number greater than 0.");
  }
  return parsed;
}

export function nonNegativeNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError("expected a number of 0 or more.");
  }
  return parsed;
}

/** A duration such as `10s`, `500ms`, `2m` or a bare number of seconds; returns seconds. */
export function duration(value: string): number {
  const match = /^([0-9]*\.?[0-9]+)\s*(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError("expected a duration such as 10s, 500ms or 2m.");
  const amount = Number(match[1]);
  const unit = match[2] ?? "s";
  const seconds = unit === "ms" ? amount / 1000 : unit === "m" ? amount * 60 : amount;
  if (seconds <= 0) throw new InvalidArgumentError("expected a duration greater than 0.");
  return seconds;
}

export function oneOf<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!choices.includes(value as T)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(", ")}.`);
    }
    return value as T;
  };
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
