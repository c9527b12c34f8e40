/** Local stand-ins of the log platforms, for tests and benchmarks (imported as `@app/log-sources/testing`). */
export * from './shared/local-server.testing';
export * from './cloudwatch/cloudwatch.stand-in.testing';
export * from './datadog/datadog.stand-in.testing';
export * from './elastic/elastic.stand-in.testing';
export * from './gcp-logging/gcp-logging.stand-in.testing';
export * from './loki/loki.stand-in.testing';
export * from './splunk/splunk.stand-in.testing';
