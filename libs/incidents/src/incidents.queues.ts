import { declareQueue } from '@app/core';

/** The queues incidents owns (declared once here; IncidentsModule defines them). Short jobs: a few platform calls each. */

/** Post an incident's analysis to one linked conversation (note, public reply per posting mode, `analysis_url`). */
export interface IncidentAnalysisPostPayload {
  incidentId: string;
  analysisId: string;
  bindingId: string;
  conversationId: string;
}

export const INCIDENT_ANALYSIS_POST_QUEUE = declareQueue<IncidentAnalysisPostPayload>({
  name: 'incidents.analysis-post',
  retryLimit: 8,
  retryDelaySeconds: 1,
  retryBackoff: true,
  concurrency: 4,
  batchSize: 4,
  expireInSeconds: 120,
  heartbeatSeconds: 10,
});

/** One conversation's copy of an "update all customers". */
export interface IncidentUpdateDeliveryPayload {
  deliveryId: string;
}

export const INCIDENT_UPDATE_QUEUE = declareQueue<IncidentUpdateDeliveryPayload>({
  name: 'incidents.update-delivery',
  retryLimit: 6,
  retryDelaySeconds: 1,
  retryBackoff: true,
  concurrency: 4,
  batchSize: 4,
  expireInSeconds: 120,
  heartbeatSeconds: 10,
});

/** Bring an incident's tracker ticket in one binding's workspace up to date (create, link, unlink, resolve). */
export interface IncidentTrackerSyncPayload {
  incidentId: string;
  bindingId: string;
}

export const INCIDENT_TRACKER_QUEUE = declareQueue<IncidentTrackerSyncPayload>({
  name: 'incidents.tracker-sync',
  retryLimit: 6,
  retryDelaySeconds: 2,
  retryBackoff: true,
  concurrency: 2,
  expireInSeconds: 300,
  heartbeatSeconds: 10,
});
