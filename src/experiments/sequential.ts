/**
 * Always-valid inference for `--sequential` (SPEC 8): the asymptotic
 * confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas
 * ("Time-uniform central limit theory and asymptotic confidence sequences",
 * 2023, arXiv:2103.06476), with the normal-mixture boundary of Howard et al.
 * (2021) — the construction GrowthBook's and Statsig's sequential engines use.
 *
 * For an estimate with standard error se after n users (both arms together),
 * write s² = n·se² (the per-user variance of the estimate). The interval
 *   estimate ± s·√( 2(nρ² + 1)/(n²ρ²) · ln(√(nρ² + 1)/α) )
 * covers the true effect at every n simultaneously with probability ≥ 1 − α,
 * so it may be inspected any number of times. ρ tunes where it is narrowest:
 * ρ = √((−2 ln α + ln(−2 ln α + 1)) / N*) makes it tightest near N* users
 * (GrowthBook's default N* = 5,000). Its dual p-value (sequentialPValue) is
 * below α exactly when that interval excludes 0.
 * Pure math, no state: the report recomputes it from the current counts at
 * each look, which is what "always valid" allows.
 */
export const DEFAULT_TUNING = 5000;

/** ρ that makes the sequence tightest near `tuning` users at level alpha. */
export function sequentialRho(alpha: number, tuning = DEFAULT_TUNING): number {
  const l = -2 * Math.log(alpha);
  return Math.sqrt((l + Math.log(l + 1)) / tuning);
}

/** Half-width of the (1 − alpha) confidence sequence at n users for an estimate with standard error se. */
export function sequentialHalfWidth(se: number, n: number, alpha: number, tuning = DEFAULT_TUNING): number {
  const rho = sequentialRho(alpha, tuning);
  const s2 = se * se * n;
  const nr2 = n * rho * rho;
  return Math.sqrt(s2 * ((2 * (nr2 + 1)) / (n * n * rho * rho)) * Math.log(Math.sqrt(nr2 + 1) / alpha));
}

/**
 * The always-valid p-value of "the effect is 0" at n users: 1 / the mixture
 * e-value exp(nρ²·z²/(2(nρ² + 1))) / √(nρ² + 1), z = estimate/se; it is below
 * alpha exactly when the (1 − alpha) sequence excludes 0 (the same inequality
 * rearranged), so the p-value and the interval never disagree.
 */
export function sequentialPValue(estimate: number, se: number, n: number, alpha: number, tuning = DEFAULT_TUNING): number {
  if (!(se > 0)) return estimate === 0 ? 1 : 0;
  const rho = sequentialRho(alpha, tuning);
  const nr2 = n * rho * rho;
  const z2 = (estimate / se) ** 2;
  // log e-value = nρ²·z²/(2(nρ² + 1)) − ½ ln(nρ² + 1); kept in logs so a huge z does not overflow.
  const logE = (nr2 * z2) / (2 * (nr2 + 1)) - 0.5 * Math.log(nr2 + 1);
  return Math.min(1, Math.exp(-logE));
}
