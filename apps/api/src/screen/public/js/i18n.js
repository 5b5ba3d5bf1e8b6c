// Labels of the screen. Vietnamese is the default; English is a toggle remembered in localStorage.

const LABELS = {
  vi: {
    title: 'Kết quả bầu cử',
    pageTitle: 'Kết quả bầu cử — màn hình phòng họp báo',
    city: 'Toàn thành phố',
    districts: 'Quận, huyện, thị xã',
    units: 'Kết quả theo đơn vị bầu cử',
    timeline: 'Diễn biến theo thời gian',
    corrections: 'Đính chính',
    noCorrections: 'Chưa có đính chính nào.',
    turnout: 'Tỷ lệ cử tri đi bầu',
    turnoutReports: 'Theo báo cáo của các khu vực bỏ phiếu',
    areasReported: 'Số khu vực bỏ phiếu đã báo cáo',
    areasReportedShort: 'KVBP đã báo cáo',
    areasComplete: 'đạt 100%',
    votersVoted: 'Cử tri đã bỏ phiếu',
    registeredVoters: 'Cử tri trong danh sách',
    ballotsIssued: 'Số phiếu phát ra',
    ballotsReceived: 'Số phiếu thu vào',
    validBallots: 'Phiếu hợp lệ',
    invalidBallots: 'Phiếu không hợp lệ',
    turnoutOfReported: 'Tỷ lệ đi bầu (các KVBP đã báo cáo)',
    turnoutShort: 'đi bầu',
    complete: 'Đã đủ',
    seats: (n) => `${n} đại biểu`,
    candidate: 'Ứng cử viên',
    votes: 'Số phiếu',
    share: 'Tỷ lệ',
    elected: 'Trúng cử',
    electedProvisional: 'Trúng cử (tạm tính)',
    provisional: 'Tạm tính',
    final: 'Đã đủ biên bản',
    certified: 'Đã xác định kết quả',
    heldShort: 'chờ xem xét',
    unresolvedTie: 'Bằng phiếu — chưa phân định',
    status: {
      no_ballots: 'Chưa có phiếu',
      turnout_not_above_half: 'Cử tri đi bầu chưa quá một nửa',
      seats_filled: 'Đủ số đại biểu',
      seats_unfilled: 'Chưa đủ số đại biểu',
    },
    connection: {
      connecting: 'Đang kết nối…',
      live: 'Trực tiếp',
      disconnected: 'Mất kết nối — đang kết nối lại…',
      idle: 'Chưa kết nối',
    },
    updatedAt: (time) => `Cập nhật ${time}`,
    checkpoint: 'Mã kiểm tra nhật ký (SHA-256, có chữ ký)',
    checkpointAt: (events, position) => `${events} sự kiện, đến vị trí ${position}`,
    noElection: 'Chưa có cuộc bầu cử nào. Mở trang với ?election=<mã cuộc bầu cử>.',
    electionNotFound: (id) => `Không tìm thấy cuộc bầu cử “${id}”.`,
    waiting: 'Đang chờ dữ liệu…',
    chooseElection: 'Chọn cuộc bầu cử',
    legendTurnout: 'Tỷ lệ đi bầu',
    legendReporting: (contest) => `Đã báo cáo: ${contest}`,
    noTimeline: 'Chưa có số liệu theo thời gian.',
    pollingArea: 'KVBP',
    by: 'bởi',
    correctionsCount: (n) => `${n} đính chính`,
    switchTo: 'English',
    switchToShort: 'EN',
    contestShort: (name) =>
      name
        .replace(/^Đại biểu\s+/i, '')
        .replace(/Hội đồng nhân dân/gi, 'HĐND')
        .replace(/\s+(nhiệm kỳ|khóa|khoá)\s.*$/i, '')
        .replace(/(thành phố|tỉnh)\s.*$/i, '$1'),
    contestTiny: (short) => short.replace(/thành phố/i, 'TP'),
    districtsLegend: 'tỷ lệ cử tri đi bầu · số KVBP đã báo cáo · ✎ đính chính',
  },
  en: {
    title: 'Election results',
    pageTitle: 'Election results — press-room screen',
    city: 'Citywide',
    districts: 'Districts',
    units: 'Results by electoral unit',
    timeline: 'Over time',
    corrections: 'Corrections',
    noCorrections: 'No corrections yet.',
    turnout: 'Voter turnout',
    turnoutReports: 'As reported by the polling areas',
    areasReported: 'Polling areas reported',
    areasReportedShort: 'Areas reported',
    areasComplete: 'at 100%',
    votersVoted: 'Voters who voted',
    registeredVoters: 'Registered voters',
    ballotsIssued: 'Ballots issued',
    ballotsReceived: 'Ballots received',
    validBallots: 'Valid ballots',
    invalidBallots: 'Invalid ballots',
    turnoutOfReported: 'Turnout (reported areas)',
    turnoutShort: 'turnout',
    complete: 'Complete',
    seats: (n) => `${n} ${n === 1 ? 'seat' : 'seats'}`,
    candidate: 'Candidate',
    votes: 'Votes',
    share: 'Share',
    elected: 'Elected',
    electedProvisional: 'Elected (provisional)',
    provisional: 'Provisional',
    final: 'All sheets in',
    certified: 'Certified',
    heldShort: 'held for review',
    unresolvedTie: 'Tie — unresolved',
    status: {
      no_ballots: 'No ballots yet',
      turnout_not_above_half: 'Turnout not above half',
      seats_filled: 'All seats filled',
      seats_unfilled: 'Seats unfilled',
    },
    connection: {
      connecting: 'Connecting…',
      live: 'Live',
      disconnected: 'Disconnected — reconnecting…',
      idle: 'Not connected',
    },
    updatedAt: (time) => `Updated ${time}`,
    checkpoint: 'Audit log digest (SHA-256, signed)',
    checkpointAt: (events, position) => `${events} events, up to position ${position}`,
    noElection: 'No election yet. Open the page with ?election=<election id>.',
    electionNotFound: (id) => `Election “${id}” not found.`,
    waiting: 'Waiting for data…',
    chooseElection: 'Choose an election',
    legendTurnout: 'Turnout',
    legendReporting: (contest) => `Reported: ${contest}`,
    noTimeline: 'No figures over time yet.',
    pollingArea: 'Polling area',
    by: 'by',
    correctionsCount: (n) => `${n} ${n === 1 ? 'correction' : 'corrections'}`,
    switchTo: 'Tiếng Việt',
    switchToShort: 'VI',
    contestShort: (name) => {
      if (/Quốc hội/i.test(name)) return 'National Assembly';
      if (/Hội đồng nhân dân|HĐND/i.test(name)) return /thành phố/i.test(name) ? 'City Council' : 'Council';
      return name;
    },
    contestTiny: (short) => short,
    districtsLegend: 'turnout · polling areas reported · ✎ corrections',
  },
};

const LOCALES = { vi: 'vi-VN', en: 'en-GB' };
const STORAGE_KEY = 'tally-ledger.screen.lang';

export function storedLanguage() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function storeLanguage(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the toggle still works for this visit
  }
}

export function labels(lang) {
  return LABELS[lang] ?? LABELS.vi;
}

export function locale(lang) {
  return LOCALES[lang] ?? LOCALES.vi;
}
