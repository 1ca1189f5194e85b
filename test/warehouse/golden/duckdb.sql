-- flags experiment sql checkout
-- Sufficient statistics of experiment checkout per arm and metric (SPEC 4.3, 8).
-- Window: 2026-11-01T00:00:00.000Z <= timestamp < 2026-11-20T00:00:00.000Z. Turn the result into the report with
--   flags experiment results checkout --counts result.csv
WITH ev AS (
  SELECT "type" AS ev_type, "user_id" AS user_id, "variant" AS variant, "metric" AS metric, "value" AS ev_value, "event_time" AS ts
  FROM "my-project"."analytics"."events"
  WHERE "experimentId" = 'checkout'
),
windowed AS (
  SELECT * FROM ev WHERE ts >= TIMESTAMPTZ '2026-11-01 00:00:00.000+00' AND ts < TIMESTAMPTZ '2026-11-20 00:00:00.000+00'
),
arms AS (SELECT 'blue' AS arm, 0 AS arm_order UNION ALL SELECT 'it''s\green' AS arm, 1 AS arm_order),
metrics AS (SELECT 'purchase' AS metric, 0 AS is_revenue, 0 AS metric_order UNION ALL SELECT 'revenue' AS metric, 1 AS is_revenue, 1 AS metric_order),
exposed AS (
  -- per user: first exposure to a known arm, and how many arms they saw
  SELECT user_id, MIN(ts) AS first_ts, MIN(variant) AS user_arm, COUNT(DISTINCT variant) AS arm_count
  FROM windowed
  WHERE ev_type = 'exposure' AND variant IN ('blue', 'it''s\green')
  GROUP BY user_id
),
counted AS (
  -- per single-arm user and metric: conversions at or after the first exposure
  SELECT e.user_id AS conv_user, w.metric AS conv_metric, SUM(COALESCE(w.ev_value, 0)) AS value_total
  FROM exposed e JOIN windowed w ON w.user_id = e.user_id
  WHERE e.arm_count = 1 AND w.ev_type = 'conversion' AND w.ts >= e.first_ts AND w.metric IN ('purchase', 'revenue')
  GROUP BY e.user_id, w.metric
),
per_user AS (
  SELECT e.user_arm AS pu_arm, m.metric AS pu_metric,
    CASE WHEN k.conv_user IS NULL THEN 0 ELSE 1 END AS converted,
    CASE WHEN m.is_revenue = 1 THEN COALESCE(k.value_total, 0) WHEN k.conv_user IS NULL THEN 0 ELSE 1 END AS user_value
  FROM exposed e CROSS JOIN metrics m
  LEFT JOIN counted k ON k.conv_user = e.user_id AND k.conv_metric = m.metric
  WHERE e.arm_count = 1
),
primary_conversions AS (
  SELECT user_id, MAX(ts) AS last_ts FROM windowed
  WHERE ev_type = 'conversion' AND metric = 'purchase'
  GROUP BY user_id
),
result AS (
  SELECT 'arm' AS kind, a.arm AS out_arm, m.metric AS out_metric, a.arm_order AS out_arm_order, m.metric_order AS out_metric_order,
    COUNT(p.pu_arm) AS users, COALESCE(SUM(p.converted), 0) AS converters,
    COALESCE(SUM(p.user_value), 0) AS value_sum, COALESCE(SUM(p.user_value * p.user_value), 0) AS value_sum_squares
  FROM arms a CROSS JOIN metrics m
  LEFT JOIN per_user p ON p.pu_arm = a.arm AND p.pu_metric = m.metric
  GROUP BY a.arm, m.metric, a.arm_order, m.metric_order
  UNION ALL
  SELECT 'excluded', '', 'multipleArms', 1000, 0, COUNT(*), 0, 0, 0 FROM exposed WHERE arm_count > 1
  UNION ALL
  SELECT 'excluded', '', 'conversionsBeforeExposure', 1000, 1, COUNT(*), 0, 0, 0
  FROM exposed e JOIN primary_conversions pc ON pc.user_id = e.user_id
  WHERE e.arm_count = 1 AND pc.last_ts < e.first_ts
  UNION ALL
  SELECT 'excluded', '', 'conversionsWithoutExposure', 1000, 2, COUNT(*), 0, 0, 0
  FROM primary_conversions pc LEFT JOIN exposed e ON e.user_id = pc.user_id
  WHERE e.user_id IS NULL
  UNION ALL
  SELECT 'excluded', '', 'outsideWindow', 1000, 3, COUNT(*), 0, 0, 0 FROM ev WHERE NOT (ts >= TIMESTAMPTZ '2026-11-01 00:00:00.000+00' AND ts < TIMESTAMPTZ '2026-11-20 00:00:00.000+00')
)
SELECT kind, out_arm AS arm, out_metric AS metric, users, converters, value_sum, value_sum_squares
FROM result
ORDER BY out_arm_order, out_metric_order;
