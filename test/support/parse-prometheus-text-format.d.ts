// The parser ships no types; this is the part of its output the tests read.
declare module 'parse-prometheus-text-format' {
  interface MetricFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly object[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
