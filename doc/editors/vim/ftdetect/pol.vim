" ftdetect/pol.vim: .pol policies (and their .poltest cases) get the pol syntax
autocmd BufRead,BufNewFile *.pol setfiletype pol
autocmd BufRead,BufNewFile *.poltest setfiletype poltest
