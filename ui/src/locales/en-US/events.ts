// Texts of events that both apps show (English). Same keys as ../zh-CN/events.ts.
export default {
  ev: {
    state: {
      pending: 'Pending', accepted: 'Accepted', rejected: 'Refused', dispatched: 'Dispatched', handling: 'In progress',
      returned: 'Returned', finished: 'Finished', visited: 'Rated',
    },
    action: {
      reply: 'Added information',
      create: 'Reported', accept: 'Accept', reject: 'Refuse', dispatch: 'Dispatch', handle_locally: 'Handle in the village',
      take: 'Take on', give_back: 'Return', transfer: 'Transfer', finish: 'Finish', visit: 'Rating', reopen: 'Unsatisfied, reopened',
      note: 'Progress note', supervise: 'Supervision', answer: 'Answer supervision', warn: 'Deadline near', overdue: 'Overdue',
      escalate: 'Escalated', escalate_town: 'Escalated to the town', escalate_county: 'Escalated to the county',
    },
    outcome: {
      resolved: 'Resolved', explained: 'Explained', unresolvable: 'Cannot be fixed', duplicate: 'Duplicate',
      not_responsible: 'Not our responsibility',
    },
    rating: { satisfied: 'Satisfied', basic: 'Fairly satisfied', unsatisfied: 'Unsatisfied' },
    media: {
      voice: 'Voice note', video: 'Video', record: 'Record', stop: 'Stop', delete: 'Delete recording', deleteVideo: 'Delete video',
      listen: 'Listen again', recorded: 'Recorded voice note', fileVoice: 'Recording file chosen', pickVoice: 'Choose a recording file',
      recording: 'Recording {t} ({left} left)', recordHint: 'Record a voice note when speaking is easier than typing, up to {s} seconds. Listen to it, delete and record again if needed.',
      voiceTooBig: 'The recording is too large (at most {mb} MB); please record a shorter one', voiceTooLong: 'Recordings are at most {s} seconds; please choose a shorter one',
      pickVideo: 'Take or choose a video', videoHint: 'You may add a short video from the phone (at most {mb} MB)', videoTooBig: 'The video is too large (at most {mb} MB); please take a shorter one',
      uploading: 'Uploading the recording and video…',
      problem: {
        unsupported: 'This browser cannot record; please type instead',
        denied: 'The microphone was not allowed. Allow it in the browser settings, or type instead',
        nodevice: 'No microphone found; please type instead',
        failed: 'Recording failed; try again or type instead',
      },
      reply: 'Add information', replyHint: 'When the staff need to know more, add text or a voice note here.', replyPlaceholder: 'What to add (a voice note alone is fine)',
      replySubmit: 'Send', replied: 'Sent', replyEmpty: 'Type something or record a voice note',
      needsSignal: 'A video clip needs a signal to send: submit it when there is signal, or remove the clip to keep the report on the phone (a recording is kept)',
      attach: 'Add a recording or video', attachVoice: 'Recording', attachVideo: 'Video',
    },
    overdue: 'Overdue',
    warned: 'Due soon',
  },
};
