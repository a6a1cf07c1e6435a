/**
 * OPERA's published linear-probe results (opera.md §5): the 19-task x 7-method table embedded in
 * res_analysis/calculate_rank.py of evelyn0414/OPERA at commit b28492e (2024-06-23), mean ± std.
 * T1-T12: AUROC (macro for T11, T12), higher is better; T13-T19: MAE, lower is better. That this table
 * equals the printed paper's Tables 4/5 is not verified; T10 matches cks/logs/Test_Task10_results.log.
 */
import type { PublishedResults, Reported, TaskMetric } from '../task.ts';

export const OPERA_METHODS = ['opensmile', 'vggish', 'audiomae', 'clap', 'opera-ct', 'opera-ce', 'opera-gt'] as const;
export type OperaMethod = (typeof OPERA_METHODS)[number];

const SOURCE = 'OPERA (Zhang, Xia et al. 2024, arXiv:2406.16148), table in evelyn0414/OPERA res_analysis/calculate_rank.py @ b28492e';

function r(mean: number, std: number): Reported {
  return { mean, std };
}

const TABLE = {
  T1: {
    opensmile: r(0.550, 0.015), vggish: r(0.580, 0.001), audiomae: r(0.549, 0.001), clap: r(0.565, 0.001),
    'opera-ct': r(0.586, 0.008), 'opera-ce': r(0.551, 0.010), 'opera-gt': r(0.605, 0.001),
  },
  T2: {
    opensmile: r(0.649, 0.006), vggish: r(0.557, 0.005), audiomae: r(0.616, 0.001), clap: r(0.648, 0.003),
    'opera-ct': r(0.701, 0.002), 'opera-ce': r(0.629, 0.006), 'opera-gt': r(0.677, 0.001),
  },
  T3: {
    opensmile: r(0.571, 0.006), vggish: r(0.571, 0.003), audiomae: r(0.583, 0.003), clap: r(0.611, 0.006),
    'opera-ct': r(0.603, 0.005), 'opera-ce': r(0.610, 0.004), 'opera-gt': r(0.613, 0.002),
  },
  T4: {
    opensmile: r(0.633, 0.012), vggish: r(0.605, 0.004), audiomae: r(0.659, 0.001), clap: r(0.669, 0.002),
    'opera-ct': r(0.680, 0.006), 'opera-ce': r(0.665, 0.001), 'opera-gt': r(0.673, 0.001),
  },
  T5: {
    opensmile: r(0.537, 0.011), vggish: r(0.538, 0.028), audiomae: r(0.554, 0.004), clap: r(0.599, 0.007),
    'opera-ct': r(0.578, 0.001), 'opera-ce': r(0.566, 0.008), 'opera-gt': r(0.552, 0.003),
  },
  T6: {
    opensmile: r(0.677, 0.005), vggish: r(0.600, 0.001), audiomae: r(0.628, 0.001), clap: r(0.665, 0.001),
    'opera-ct': r(0.795, 0.001), 'opera-ce': r(0.721, 0.001), 'opera-gt': r(0.735, 0.000),
  },
  T7: {
    opensmile: r(0.579, 0.043), vggish: r(0.605, 0.077), audiomae: r(0.886, 0.017), clap: r(0.933, 0.005),
    'opera-ct': r(0.855, 0.012), 'opera-ce': r(0.872, 0.011), 'opera-gt': r(0.741, 0.011),
  },
  T8: {
    opensmile: r(0.534, 0.060), vggish: r(0.507, 0.027), audiomae: r(0.549, 0.022), clap: r(0.680, 0.009),
    'opera-ct': r(0.685, 0.012), 'opera-ce': r(0.674, 0.013), 'opera-gt': r(0.650, 0.005),
  },
  T9: {
    opensmile: r(0.753, 0.008), vggish: r(0.606, 0.003), audiomae: r(0.724, 0.001), clap: r(0.742, 0.001),
    'opera-ct': r(0.874, 0.000), 'opera-ce': r(0.801, 0.002), 'opera-gt': r(0.825, 0.001),
  },
  T10: {
    opensmile: r(0.636, 0.082), vggish: r(0.605, 0.036), audiomae: r(0.616, 0.041), clap: r(0.697, 0.004),
    'opera-ct': r(0.722, 0.016), 'opera-ce': r(0.741, 0.014), 'opera-gt': r(0.703, 0.016),
  },
  T11: {
    opensmile: r(0.494, 0.054), vggish: r(0.590, 0.034), audiomae: r(0.510, 0.021), clap: r(0.635, 0.040),
    'opera-ct': r(0.625, 0.038), 'opera-ce': r(0.683, 0.007), 'opera-gt': r(0.615, 0.019),
  },
  T12: {
    opensmile: r(0.772, 0.005), vggish: r(0.657, 0.002), audiomae: r(0.649, 0.001), clap: r(0.702, 0.001),
    'opera-ct': r(0.781, 0.000), 'opera-ce': r(0.769, 0.000), 'opera-gt': r(0.742, 0.001),
  },
  T13: {
    opensmile: r(0.985, 0.743), vggish: r(0.904, 0.568), audiomae: r(0.900, 0.551), clap: r(0.896, 0.542),
    'opera-ct': r(0.924, 0.583), 'opera-ce': r(0.848, 0.607), 'opera-gt': r(0.892, 0.618),
  },
  T14: {
    opensmile: r(0.756, 0.721), vggish: r(0.839, 0.563), audiomae: r(0.821, 0.590), clap: r(0.840, 0.547),
    'opera-ct': r(0.837, 0.563), 'opera-ce': r(0.834, 0.581), 'opera-gt': r(0.825, 0.560),
  },
  T15: {
    opensmile: r(0.141, 0.185), vggish: r(0.131, 0.146), audiomae: r(0.129, 0.146), clap: r(0.134, 0.146),
    'opera-ct': r(0.128, 0.140), 'opera-ce': r(0.132, 0.141), 'opera-gt': r(0.128, 0.141),
  },
  T16: {
    opensmile: r(0.850, 0.592), vggish: r(0.895, 0.559), audiomae: r(0.833, 0.588), clap: r(0.883, 0.560),
    'opera-ct': r(0.885, 0.553), 'opera-ce': r(0.761, 0.544), 'opera-gt': r(0.878, 0.550),
  },
  T17: {
    opensmile: r(0.730, 0.497), vggish: r(0.842, 0.559), audiomae: r(0.876, 0.561), clap: r(0.859, 0.541),
    'opera-ct': r(0.780, 0.542), 'opera-ce': r(0.830, 0.561), 'opera-gt': r(0.774, 0.554),
  },
  T18: {
    opensmile: r(0.138, 0.166), vggish: r(0.130, 0.145), audiomae: r(0.131, 0.141), clap: r(0.137, 0.147),
    'opera-ct': r(0.132, 0.140), 'opera-ce': r(0.136, 0.150), 'opera-gt': r(0.130, 0.138),
  },
  T19: {
    opensmile: r(2.714, 0.902), vggish: r(2.605, 0.759), audiomae: r(2.641, 0.813), clap: r(2.650, 0.947),
    'opera-ct': r(2.636, 0.858), 'opera-ce': r(2.525, 0.782), 'opera-gt': r(2.416, 0.885),
  },
} as const satisfies Record<string, Record<OperaMethod, Reported>>;

export type OperaTaskId = keyof typeof TABLE;

/** The published row of one OPERA task, as PublishedResults. */
export function operaPublished(task: OperaTaskId, metric: TaskMetric): PublishedResults {
  return { source: SOURCE, metric, results: TABLE[task] };
}
