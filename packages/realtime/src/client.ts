// Browser-safe entry: event types, channel names and the client configuration shape.
export * from './events.ts';
export {
  canSeeEvent,
  pusherChannelName,
  subscriptionChannel,
  type Channel,
  type ViewerScope,
} from './scope.ts';
export type { RealtimeClientConfig } from './config.ts';
export type { PusherWire } from './pusher.ts';
