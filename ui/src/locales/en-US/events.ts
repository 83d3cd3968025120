// Texts of events that both apps show (English). Same keys as ../zh-CN/events.ts.
export default {
  ev: {
    state: {
      pending: 'Pending', accepted: 'Accepted', rejected: 'Refused', dispatched: 'Dispatched', handling: 'In progress',
      returned: 'Returned', finished: 'Finished', visited: 'Rated',
    },
    action: {
      create: 'Reported', accept: 'Accept', reject: 'Refuse', dispatch: 'Dispatch', handle_locally: 'Handle in the village',
      take: 'Take on', give_back: 'Return', transfer: 'Transfer', finish: 'Finish', visit: 'Rating', reopen: 'Unsatisfied, reopened',
      note: 'Progress note', supervise: 'Supervision', answer: 'Answer supervision', warn: 'Deadline near', overdue: 'Overdue',
      escalate: 'Escalated',
    },
    outcome: {
      resolved: 'Resolved', explained: 'Explained', unresolvable: 'Cannot be fixed', duplicate: 'Duplicate',
      not_responsible: 'Not our responsibility',
    },
    rating: { satisfied: 'Satisfied', basic: 'Fairly satisfied', unsatisfied: 'Unsatisfied' },
    overdue: 'Overdue',
    warned: 'Due soon',
  },
};
