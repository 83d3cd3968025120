// Prints only the open dialog (a receipt, a household card): the print stylesheet
// hides the console while body has the class.
export function printDialog(): void {
  document.body.classList.add('printing-dialog');
  const done = () => {
    document.body.classList.remove('printing-dialog');
    window.removeEventListener('afterprint', done);
  };
  window.addEventListener('afterprint', done);
  window.print();
  setTimeout(done, 1000);
}
