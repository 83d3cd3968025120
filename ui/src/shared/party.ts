// Party building 党建: the calls both apps make and the shapes of their answers.
import { api, type Page, type Query } from './api';

export interface Branch { id: number; village_id: number; village_name: string; name: string; members: number; groups: { id: number; name: string; members: number }[] }
export interface Member {
  id: number; branch_id: number; branch_name: string; village_name: string; group_id: number | null; group_name: string | null;
  name: string; gender: 'm' | 'f'; birth_date: string; age: number; education: string; kind: 'full' | 'probationary';
  join_date: string; full_date: string | null; mobile: boolean; mobile_place: string; status: string;
}
export interface Count { key: string; count: number }
export interface Stats { total: number; mobile: number; due_full: number; by_kind: Count[]; by_gender: Count[]; by_education: Count[]; by_age: Count[] }
export interface Attendance { member_id: number; name: string; mobile: boolean; status: string; reason: string; checked_in_at: string | null; recorded: boolean }
export interface Meeting {
  id: number; branch_id: number; branch_name: string; village_name: string; group_name: string | null; kind: string; kind_name: string;
  period: string; topic: string; place: string; remote: boolean; join_url: string; starts_at: string; ends_at: string;
  minutes: string; state: 'planned' | 'ongoing' | 'held'; attended: number; members: number; photos: string[]; minutes_photos: string[];
  attendance?: Attendance[]; can_check_in?: boolean; can_manage?: boolean;
}
export interface GroupCompliance { group_id: number; group_name: string; required: number; on_time: number; late: number; missing: number; due: number; rate: number }
export interface ComplianceRow { branch_id: number; branch_name: string; village_id: number; village_name: string; required: number; on_time: number; late: number; missing: number; due: number; rate: number; groups?: GroupCompliance[] }
export interface ComplianceFlag { branch_id: number; branch_name: string; village_name: string; kind: string; kind_name: string; period: string; state: 'late' | 'missing'; group_name?: string }
export interface Compliance { unit_name: string; year: number; required: number; on_time: number; late: number; missing: number; due: number; rate: number; branches: ComplianceRow[]; flags: ComplianceFlag[] }
export interface Commitment {
  id: number; village_id: number; village_name: string; year: number; pledger: string; title: string; body: string; target_date: string;
  progress: number; status: 'done' | 'overdue' | 'in_progress'; overdue: boolean; comments: number; photos: string[]; video: string;
  notes?: { id: number; kind: 'progress' | 'comment'; body: string; progress: number | null; author: string; created_at: string }[];
}
export interface DiaryEntry { id: number; village_name: string; day: string; body: string; beneficiary: string; author: string }
export interface Question {
  id: number; village_id: number; asker: string; body: string; private: boolean; due_at: string; answer: string | null; answerer: string | null;
  answered_at: string | null; created_at: string; status: 'open' | 'answered'; age_days: number; overdue: boolean; mine: boolean; can_answer?: boolean;
  converted_to: 'event' | 'talk' | null; event_id: number | null; talk_id: number | null; converted_at: string | null; converter: string | null;
}
export interface MyParty extends Member { meetings: (Meeting & { my_status: string; checked_in_at: string | null; can_check_in: boolean })[] }

export const branches = (unit: number) => api.get<{ items: Branch[] }>('/api/v1/party/branches', { unit });
export const members = (q: Query) => api.get<Page<Member>>('/api/v1/party/members', q);
export const createMember = (body: Record<string, unknown>) => api.post<{ id: number }>('/api/v1/party/members', body);
export const stats = (unit: number) => api.get<Stats>('/api/v1/party/stats', { unit });
export const meetings = (q: Query) => api.get<Page<Meeting>>('/api/v1/party/meetings', q);
export const meeting = (id: number) => api.get<Meeting>(`/api/v1/party/meetings/${id}`);
export const createMeeting = (body: Record<string, unknown>) => api.post<Meeting>('/api/v1/party/meetings', body);
export const putAttendance = (id: number, items: { member_id: number; status: string; reason?: string }[]) =>
  api.put<Meeting>(`/api/v1/party/meetings/${id}/attendance`, { items });
export const checkIn = (id: number) => api.post<{ status: string; already: boolean }>(`/api/v1/party/meetings/${id}/checkin`, {});
export const updateMeeting = (id: number, body: Record<string, unknown>) => api.patch<Meeting>(`/api/v1/party/meetings/${id}`, body);
export const meetingPhotoUrl = (id: number, n: number, minutes = false) => `/api/v1/party/meetings/${id}/${minutes ? 'minutes-photos' : 'photos'}/${n}`;
export const compliance = (unit: number, year?: number) => api.get<Compliance>('/api/v1/party/compliance', { unit, year });
export const commitments = (q: Query) => api.get<Page<Commitment>>('/api/v1/party/commitments', q);
export const commitment = (id: number) => api.get<Commitment>(`/api/v1/party/commitments/${id}`);
export const createCommitment = (body: Record<string, unknown>) => api.post<{ id: number }>('/api/v1/party/commitments', body);
export const updateCommitment = (id: number, body: Record<string, unknown>) => api.patch<Commitment>(`/api/v1/party/commitments/${id}`, body);
export const commitmentPhotoUrl = (id: number, n: number) => `/api/v1/party/commitments/${id}/photos/${n}`;
export const commitmentVideoUrl = (id: number) => `/api/v1/party/commitments/${id}/video`;
export const addProgress = (id: number, body: Record<string, unknown>) => api.post<{ id: number }>(`/api/v1/party/commitments/${id}/progress`, body);
export const addComment = (id: number, body: Record<string, unknown>) => api.post<{ id: number }>(`/api/v1/party/commitments/${id}/comments`, body);
export const diary = (q: Query) => api.get<Page<DiaryEntry>>('/api/v1/party/diary', q);
export const questions = (q: Query) => api.get<Page<Question>>('/api/v1/party/questions', q);
export const ask = (body: Record<string, unknown>) => api.post<{ id: number }>('/api/v1/party/questions', body);
export const answer = (id: number, text: string) => api.post<{ id: number }>(`/api/v1/party/questions/${id}/answer`, { answer: text });
export const convertQuestion = (id: number, body: { to: 'event' | 'talk'; category_id?: number; title?: string; category?: string }) =>
  api.post<{ id: number; converted_to: 'event' | 'talk'; event_id?: number; talk_id?: number }>(`/api/v1/party/questions/${id}/convert`, body);
export const me = () => api.get<MyParty>('/api/v1/party/me');
export const publicParty = (village: number) =>
  api.get<{ commitments: Commitment[]; diary: DiaryEntry[]; questions: Question[] }>(`/api/v1/public/villages/${village}/party`);

// ---- learning 学习教育 ----
export interface Course {
  id: number; unit_id: number; unit_name: string; audience: 'member' | 'villager'; title: string; minutes: number;
  status: 'published' | 'withdrawn'; created_at: string; updated_at: string; photo_count: number; has_media: boolean; my_seconds: number;
  body?: string; photos?: string[]; media?: string; media_url?: string; media_mime?: string; can_study?: boolean; can_manage?: boolean;
}
export interface QuizOption { n: number; text: string }
export interface QuizQuestion { id: number; ord: number; kind: 'single' | 'multiple'; body: string; options: QuizOption[]; answer: number | null; note: string | null; given?: number; right?: boolean }
export interface Quiz {
  id: number; unit_id: number; unit_name: string; audience: 'member' | 'villager'; title: string; intro: string; pass_score: number;
  rule_name: string; status: 'published' | 'withdrawn'; created_at: string; questions: number;
  my_attempts?: number | { id: number; score: number; passed: boolean; points: number; created_at: string }[];
  my_best?: number; my_passed?: boolean; attempts?: number;
  items?: QuizQuestion[]; can_take?: boolean; can_manage?: boolean;
}
export interface Attempt {
  id: number; quiz_id: number; title: string; pass_score: number; correct: number; total: number; score: number; passed: boolean;
  points: number; points_note: string; claim_id: number | null; created_at: string; items: QuizQuestion[];
}
export interface StudySession { id: number; course_id: number; title: string; started_at: string; seconds: number; max_seconds?: number }
export interface StudyRecord {
  member_id?: number; name: string; branch_name?: string; village_name?: string; member: boolean; mobile?: boolean;
  sessions: number; seconds: number; courses: number; quizzes: number; quizzes_passed: number; quiz_points: number;
  study: StudySession[]; attempts: { id: number; quiz_id: number; title: string; created_at: string; score: number; passed: boolean; points: number }[];
}
export interface StudyRow {
  id: number; name: string; branch_id: number; branch_name: string; village_name: string; mobile: boolean; sessions: number; seconds: number;
  last_study: string | null; quizzes: number; quizzes_passed: number; best_score: number;
}

export const courses = (q: Query) => api.get<Page<Course>>('/api/v1/party/courses', q);
export const course = (id: number) => api.get<Course>(`/api/v1/party/courses/${id}`);
export const createCourse = (body: Record<string, unknown>) => api.post<Course>('/api/v1/party/courses', body);
export const updateCourse = (id: number, body: Record<string, unknown>) => api.patch<Course>(`/api/v1/party/courses/${id}`, body);
export const courseMediaUrl = (id: number) => `/api/v1/party/courses/${id}/media`;
export const coursePhotoUrl = (id: number, n: number) => `/api/v1/party/courses/${id}/photos/${n}`;
export const startStudy = (id: number) => api.post<StudySession>(`/api/v1/party/courses/${id}/study`, {});
export const reportStudy = (id: number, seconds: number) => api.put<StudySession>(`/api/v1/party/study-sessions/${id}`, { seconds });
export const quizzes = (q: Query) => api.get<Page<Quiz>>('/api/v1/party/quizzes', q);
export const quiz = (id: number) => api.get<Quiz>(`/api/v1/party/quizzes/${id}`);
export const createQuiz = (body: Record<string, unknown>) => api.post<Quiz>('/api/v1/party/quizzes', body);
export const updateQuiz = (id: number, body: Record<string, unknown>) => api.patch<Quiz>(`/api/v1/party/quizzes/${id}`, body);
export const attemptQuiz = (id: number, answers: number[][], idempotency_key?: string) =>
  api.post<Attempt>(`/api/v1/party/quizzes/${id}/attempts`, { answers, idempotency_key });
export const studyRecords = (q: Query) => api.get<Page<StudyRow>>('/api/v1/party/study-records', q);
export const memberStudy = (id: number) => api.get<StudyRecord>(`/api/v1/party/members/${id}/study`);
export const myStudy = () => api.get<StudyRecord>('/api/v1/party/my-study');

// The options of a mask: bit i is option i.
export const maskOptions = (mask: number | null | undefined) => [0, 1, 2, 3, 4, 5].filter((i) => ((mask || 0) >> i) & 1);
export const optionLetter = (i: number) => 'ABCDEF'[i] || String(i + 1);
// Seconds as 1 小时 5 分 / 5 分 / 30 秒.
export const fmtSeconds = (s: number) => {
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  if (h) return `${h} 小时 ${m} 分`;
  if (m) return `${m} 分`;
  return `${s} 秒`;
};

// ---- the member roster import ----
export interface MemberImportResult { imported: boolean; dry_run: boolean; rows: number; created: number }
export const importMembers = (branch: number, file: Blob, dryRun: boolean) =>
  api.upload<MemberImportResult>('/api/v1/party/member-import', file, 'application/octet-stream', { branch, dry_run: dryRun ? 1 : 0 });
export const memberTemplateUrl = '/api/v1/party/member-import/template';
