import { saleTotal } from '../../shared/checkout/pricing';
import { itemCount } from '../../shared/checkout/sale';
import type { SaleSummary } from '../../shared/supervisor/protocol';
import type { ClosedSaleRow } from './journal';

/** A closed sale as the hub's reports need it. */
export function saleSummaryOf(row: ClosedSaleRow, currency: string): SaleSummary {
  const { sale } = row;
  // Only closed sales reach here; an `open` one would be a journal bug, reported as cancelled rather than crash the link.
  const status = row.abandoned ? 'abandoned' : sale.status === 'open' ? 'cancelled' : sale.status;
  return {
    saleId: sale.id,
    number: sale.number,
    status,
    startedAt: sale.startedAt,
    closedAt: row.closedAt,
    itemCount: itemCount(sale.lines),
    totalMinor: saleTotal(sale),
    currency,
  };
}
