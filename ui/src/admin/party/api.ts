// Party building in the console: the shared calls (shared/party.ts).
export * from '@/shared/party';
