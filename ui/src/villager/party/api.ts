// Party building in the villager app: the shared calls (shared/party.ts).
export * from '@/shared/party';
