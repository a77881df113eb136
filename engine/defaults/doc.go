// Package defaults fills in what an object left empty. It only ever adds: a
// field the user wrote, even one the rules will refuse, is never overwritten,
// removed or reordered, so applying the defaults twice changes nothing. The
// one field it replaces is a PolicyException's approver, which is the
// request's user and never what the requester wrote.
package defaults
