// The fan-out benchmark's table: the API beside the floor, with the ratios and the targets.
import { availableParallelism } from 'node:os';
import { ms, percentiles, printTable, ratio } from '../table';
import { PRIMING_CONNECTIONS, ROUNDS, type Measured } from './rounds';

export interface Row {
  server: 'API' | 'floor';
  count: number;
  measured: Measured;
}

export function printFanOut(rows: Row[], load: { before: number; after: number }): void {
  const floorOf = (count: number) =>
    rows.find((row) => row.server === 'floor' && row.count === count);
  const perConnection = (row: Row) => row.measured.subscribedDelta / row.count;
  const perConnectionAfter = (row: Row) => row.measured.afterRoundsDelta / row.count;
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  const verdicts: string[] = [];
  const table = rows.map((row) => {
    const times = percentiles(row.measured.times);
    const firsts = percentiles(row.measured.firsts);
    const triggers = percentiles(row.measured.triggers);
    const floor = row.server === 'API' ? floorOf(row.count) : undefined;
    const floorTimes = floor && percentiles(floor.measured.times);
    if (floor && floorTimes) {
      if (row.count === 1_000) {
        verdicts.push(verdict(`time to all delivered at ${row.count}`, times.p50 / floorTimes.p50));
      }
      verdicts.push(
        verdict(`RSS/connection at ${row.count}`, perConnection(row) / perConnection(floor)),
      );
    }
    return [
      row.server === 'API' ? 'API: tRPC events.project' : 'floor: bare ws broadcast',
      row.count.toLocaleString('en'),
      ms(percentiles(row.measured.primingTimes).p50),
      ms(times.p50),
      ms(times.p99),
      ms(firsts.p50),
      ms(triggers.p50),
      mib(row.measured.subscribedDelta),
      kib(perConnection(row)),
      kib(perConnectionAfter(row)),
      floor && floorTimes ? ratio(times.p50, floorTimes.p50) : '',
      floor ? ratio(perConnection(row), perConnection(floor)) : '',
      floor ? ratio(perConnectionAfter(row), perConnectionAfter(floor)) : '',
    ];
  });
  printTable(
    `Live fan-out: one change to N subscribers (in-process bus, PostgreSQL), ${ROUNDS} rounds; ` +
      `"all delivered": from sending the trigger until every subscriber has the message (p99 of ${ROUNDS} is the worst; ` +
      `"p50 at ${PRIMING_CONNECTIONS}": the same with ${PRIMING_CONNECTIONS} subscribers, the fixed cost of a round); ` +
      'RSS: after a full GC, minus before the N connections were opened, once all are subscribed and after the rounds',
    [
      'server',
      'subscribers',
      `p50 at ${PRIMING_CONNECTIONS}`,
      'all delivered p50',
      'p99',
      'first p50',
      'trigger HTTP p50',
      'RSS delta',
      'RSS/conn',
      'RSS/conn after rounds',
      'p50 vs floor',
      'RSS/conn vs floor',
      'after rounds vs floor',
    ],
    table,
  );
  console.log(`targets (≤ 1.5× floor): ${verdicts.join('; ')}`);
  console.log(
    `load average (1 min) ${load.before.toFixed(2)} before, ${load.after.toFixed(2)} after, on ${availableParallelism()} CPUs: ` +
      'other work on the machine shows up in the times',
  );
}

function verdict(name: string, value: number): string {
  return `${name} ${value.toFixed(2)}× ${value <= 1.5 ? 'met' : 'MISSED'}`;
}
