/**
 * Special functions behind the distributions in `distributions.ts`. Written from the
 * mathematical definitions (DLMF chapters 5 and 8) rather than borrowed, so every constant
 * here can be re-derived by a reader.
 */

const LOG_SQRT_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const CONTINUED_FRACTION_EPSILON = 1e-15;
const CONTINUED_FRACTION_TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/**
 * ln Γ(x) for x > 0. Stirling's asymptotic series (DLMF 5.11.1) is accurate to ~1e-15 once
 * x ≥ 15, so smaller arguments are shifted up with the recurrence Γ(x + 1) = x Γ(x).
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);

  let shift = 0;
  let argument = x;
  while (argument < 15) {
    shift += Math.log(argument);
    argument += 1;
  }

  // Bernoulli-number terms B_2k / (2k (2k - 1) x^(2k - 1)) for k = 1..5.
  const inverse = 1 / argument;
  const inverseSquared = inverse * inverse;
  const series =
    inverse *
    (1 / 12 -
      inverseSquared *
        (1 / 360 -
          inverseSquared * (1 / 1260 - inverseSquared * (1 / 1680 - inverseSquared / 1188))));
  const stirling = (argument - 0.5) * Math.log(argument) - argument + LOG_SQRT_TWO_PI + series;
  return stirling - shift;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * Modified Lentz evaluation of b0 + a1/(b1 + a2/(b2 + ...)) (Lentz 1976; Thompson & Barnett
 * 1986). `term(j)` returns [a_j, b_j] for j ≥ 1.
 */
function continuedFraction(b0: number, term: (j: number) => [number, number]): number {
  let value = b0 === 0 ? CONTINUED_FRACTION_TINY : b0;
  let c = value;
  let d = 0;

  for (let j = 1; j <= MAX_ITERATIONS; j++) {
    const [a, b] = term(j);
    d = b + a * d;
    if (Math.abs(d) < CONTINUED_FRACTION_TINY) d = CONTINUED_FRACTION_TINY;
    c = b + a / c;
    if (Math.abs(c) < CONTINUED_FRACTION_TINY) c = CONTINUED_FRACTION_TINY;
    d = 1 / d;
    const delta = c * d;
    value *= delta;
    if (Math.abs(delta - 1) < CONTINUED_FRACTION_EPSILON) return value;
  }
  throw new Error("continued fraction did not converge");
}

/**
 * Regularised incomplete beta I_x(a, b), via its continued fraction (DLMF 8.17.22). The fraction
 * converges fast for x < (a + 1) / (a + b + 2); otherwise the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) moves the argument into that region.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`incomplete beta needs a, b > 0 (a=${a}, b=${b})`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);

  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b) - Math.log(a);
  const fraction = continuedFraction(1, (j) => {
    const m = Math.floor(j / 2);
    const numerator =
      j % 2 === 0
        ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
        : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    return [numerator, 1];
  });
  return Math.exp(logFront) / fraction;
}

/**
 * Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). Below x = a + 1 the power series
 * of P(a, x) (DLMF 8.11.4) converges quickly; above it, Legendre's continued fraction for
 * Γ(a, x) (DLMF 8.9.2) does, and computing Q directly keeps tail probabilities accurate.
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`incomplete gamma needs a > 0, got ${a}`);
  if (x <= 0) return 1;

  const logFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_ITERATIONS; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * CONTINUED_FRACTION_EPSILON) break;
    }
    return 1 - Math.exp(logFront) * sum;
  }

  const fraction = continuedFraction(x + 1 - a, (j) => [-j * (j - a), x + 2 * j + 1 - a]);
  return Math.exp(logFront) / fraction;
}
