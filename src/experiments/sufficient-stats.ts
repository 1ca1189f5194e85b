/**
 * The contract between every way of counting an experiment's events and the
 * statistics that turn counts into a report (SPEC 8).
 *
 * The streaming reader over JSON Lines logs, the SQL query run in a warehouse
 * (`flags experiment sql`), its exported result (`results --counts`) and the
 * embedded DuckDB engine (`--engine duckdb`) all produce this one value; the
 * analysis reads nothing else. That is what makes "every path gives the same
 * report" checkable: the paths agree when their SufficientStats are equal.
 *
 * Attribution (SPEC 4.3 and 8), the same for every producer:
 * - only events inside the analysis window count (the experiment's
 *   startDate/endDate narrowed by --since/--until); events outside it are
 *   counted in `excluded.outsideWindow` (events, not users);
 * - a user belongs to the arm of their first exposure; users exposed to more
 *   than one arm are excluded (`excluded.multipleArms`, users);
 * - per metric, a user's conversions count when at or after their first
 *   exposure; a conversion metric is 0/1 per user, a revenue metric the sum
 *   of the counted conversions' `value` (0 for users without one).
 */

/** One arm and one metric: everything a two-sample test of means needs. */
export interface ArmMetricStats {
  arm: string;
  metric: string;
  /** Users attributed to the arm (the same number for every metric of the arm). */
  users: number;
  /** Users with at least one counted conversion of this metric. */
  converters: number;
  /** Sum over the arm's users of the per-user metric value (conversion: 0/1, so equal to converters). */
  sum: number;
  /** Sum over the arm's users of the squared per-user metric value. */
  sumSquares: number;
}

export interface ExcludedCounts {
  /** Users exposed to more than one arm. */
  multipleArms: number;
  /** Exposed single-arm users whose primary-metric conversions all came before their first exposure. */
  conversionsBeforeExposure: number;
  /** Users with a primary-metric conversion and no exposure to a known arm. */
  conversionsWithoutExposure: number;
  /** Events of this experiment outside the analysis window. */
  outsideWindow: number;
  /** Lines that are not a valid event (streaming reader only; 0 from SQL). */
  malformedLines: number;
}

export interface SufficientStats {
  experimentId: string;
  /** Arm keys with their users, control first, in the experiment's order. */
  arms: { key: string; users: number }[];
  /** One entry per arm × metric analysed. */
  metrics: ArmMetricStats[];
  excluded: ExcludedCounts;
  /**
   * Optional (added for the HTML report; a producer may leave it out): per UTC
   * day of first exposure, the users who entered each arm that day and how many
   * of them converted on the primary metric, arrays in `arms` order, days ascending.
   */
  timeline?: TimelineDay[];
}

export interface TimelineDay {
  /** YYYY-MM-DD (UTC). */
  date: string;
  users: number[];
  converters: number[];
}
