// Village finance for the villager: their village's published monthly statements.
import { api } from '@/shared/api';
import type { FinanceStatement } from '@/shared/finance';

export type { FinanceLine, FinanceStatement } from '@/shared/finance';

export const listStatements = () => api.get<{ items: FinanceStatement[] }>('/api/v1/finance/statements');
